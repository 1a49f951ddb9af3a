"""Runs the Python tests as `python3 -m unittest discover -v` would, and also writes what
happened to each test as JSON for scripts/test.sh, which counts them and lists the skipped ones.

    /usr/bin/python3 scripts/unittest-report.py START_DIR REPORT.json

unittest's own last line ("Ran N tests ... skipped=S") cannot say which tests were skipped or
why, and counts a failed setUpClass as an error outside "Ran N"; a result class sees each one.
Exits 1 when any test failed or errored (also an import error or a failed class set-up).
"""

import json
import sys
import unittest


class RecordingResult(unittest.TextTestResult):
    """TextTestResult that also keeps the id of every test that passed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passed = []

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed.append(test.id())


def main(start_dir: str, report_path: str) -> int:
    suite = unittest.defaultTestLoader.discover(start_dir, pattern="test_*.py")
    runner = unittest.TextTestRunner(verbosity=2, resultclass=RecordingResult)
    result = runner.run(suite)
    # unexpectedSuccesses: a test marked expectedFailure that passed hides a fixed or broken test.
    failed = [t.id() if hasattr(t, "id") else str(t) for t, _ in result.failures + result.errors]
    failed += [t.id() for t in result.unexpectedSuccesses]
    report = {
        "passed": len(result.passed) + len(result.expectedFailures),
        "failed": failed,
        "skipped": [{"name": t.id(), "reason": reason} for t, reason in result.skipped],
    }
    with open(report_path, "w") as f:
        json.dump(report, f)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
