"""Completion and help over a Sage namespace (cellar_kernel/complete.py with sage.all loaded, as
the sage kernel's sessions have it): Sage's names, the attributes of Sage objects (their
categories' methods come through their own __dir__), and Sage's docstrings and argument specs.
Skipped when Sage is not installed."""

import cellar_path  # noqa: F401 -- lib/exec/python on sys.path, first
import sys
import unittest

from cellar_kernel import complete
from testing_sage import hide_sage, load_sage


class SageCompletion(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.had_sage = "sage.all" in sys.modules
        sage = load_sage()
        from sage.calculus.predefined import x

        cls.ns = {**{k: v for k, v in vars(sage).items() if not k.startswith("_")}, "x": x}
        cls.ns["n"] = sage.ZZ(12)

    @classmethod
    def tearDownClass(cls):
        hide_sage(cls.had_sage)

    def matches(self, code):
        return complete.complete(code, len(code), self.ns)["matches"]

    def test_sage_names_and_attributes(self):
        self.assertIn("integral", self.matches("integr"))
        self.assertIn("EllipticCurve", self.matches("Ellip"))
        self.assertIn("is_prime", self.matches("n.is_pr"))
        self.assertIn("factor", self.matches("n.fact"))
        self.assertIn("number_field", self.matches("QQ.number_f"))

    def test_help_uses_sages_docs(self):
        text = complete.help_text("factor", self.ns, 0, sage=True)
        self.assertIn("Signature: factor(n, proof=None, int_=False", text)
        self.assertIn("Return the factorization of", text)
        found = complete.inspect_code("n.is_prime(", 11, self.ns, 0, sage=True)
        self.assertTrue(found["found"])
        self.assertIn("Test whether", found["data"]["text/plain"])


if __name__ == "__main__":
    unittest.main()
