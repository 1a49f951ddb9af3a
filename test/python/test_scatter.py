"""scatter/gather's pieces in Python (docs/exec.md, "Service requests", "Scatter/gather"): the
request channel through a real runner and relay (the test plays the service), the Job API over
a fake service, the worker's batches, and the relay's checks on requests. The whole path, with
worker sandboxes, is in lib/exec/service/scatter.test.ts."""

import cellar_path  # noqa: F401 -- lib/exec/python on sys.path, first
import base64
import contextlib
import io
import pickle
import sys
import time
import unittest

from testing_session import LocalSession, of_type, text

import cellar.jobs as jobs
from cellar_kernel import frames, worker


class RequestChannelTest(unittest.TestCase):
    def setUp(self):
        self.s = LocalSession({}, preload="")

    def tearDown(self):
        self.s.close()

    def serve_cell(self, code: str, answer) -> list:
        """Runs `code`, answering each service request with answer(request) (a list of replies
        to send); returns the cell's messages."""
        conn = self.s.conn
        msg_id = conn.submit(code)
        out = []
        deadline = time.monotonic() + 20
        while True:
            msg = conn.read(max(0.01, deadline - time.monotonic()))
            if msg.get("parent") != msg_id:
                continue
            if msg["msg_type"] == "service_request":
                for reply in answer(msg["content"]):
                    conn.send(reply)
                continue
            out.append(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return out

    def test_a_cell_gets_the_answer_to_its_request_and_drops_stale_ones(self):
        def answer(req):
            self.assertEqual((req["op"], req["x"]), ("test.echo", [1, 2]))
            return [{"op": "service_reply", "id": req["id"] + 100, "x": "stale"},
                    {"op": "service_reply", "id": req["id"], "x": req["x"]}]

        msgs = self.serve_cell("from cellar_kernel import requests\nprint(requests.request('test.echo', {'x': [1, 2]}))", answer)
        self.assertEqual(text(msgs), "{'x': [1, 2]}\n")
        self.assertEqual(of_type(msgs, "error"), [])

    def test_a_refusal_raises_service_error_with_its_message(self):
        msgs = self.serve_cell(
            "from cellar_kernel import requests\ntry:\n    requests.request('x.y', {})\nexcept requests.ServiceError as e:\n    print('refused:', e)",
            lambda req: [{"op": "service_reply", "id": req["id"], "error": {"code": "UNKNOWN_OP", "message": "unknown service request"}}])
        self.assertEqual(text(msgs), "refused: unknown service request\n")

    def test_a_refusal_for_the_rate_is_retried_when_asked(self):
        refusals = [2]

        def answer(req):
            if refusals[0] > 0:
                refusals[0] -= 1
                return [{"op": "service_reply", "id": req["id"], "error": {"code": "TOO_MANY_REQUESTS", "message": "slow down"}}]
            return [{"op": "service_reply", "id": req["id"], "ok": True}]

        msgs = self.serve_cell(
            "from cellar_kernel import requests\nprint(requests.request('a.b', {}, retry=True))\n"
            "try:\n    requests.request('a.b', {})\nexcept requests.ServiceError as e:\n    print(e.code, e)", answer)
        self.assertEqual(text(msgs), "{'ok': True}\n")  # the second request was answered at once: no refusals left
        refusals[0] = 1
        msgs = self.serve_cell("from cellar_kernel import requests\ntry:\n    requests.request('a.b', {})\nexcept requests.ServiceError as e:\n    print(e.code, e)", answer)
        self.assertEqual(text(msgs), "TOO_MANY_REQUESTS slow down\n")

    def test_a_reply_between_cells_is_dropped_and_the_next_cell_runs(self):
        self.s.conn.send({"op": "service_reply", "id": 1, "x": 1})
        msgs = self.s.conn.execute("print('next')")
        self.assertEqual(text(msgs), "next\n")

    def test_a_request_from_another_thread_is_refused(self):
        msgs = self.serve_cell(
            "import threading\nfrom cellar_kernel import requests\nout = []\n"
            "def go():\n    try:\n        requests.request('a.b', {})\n    except RuntimeError as e:\n        out.append(str(e))\n"
            "t = threading.Thread(target=go)\nt.start()\nt.join()\nprint(out)",
            lambda req: [])
        self.assertIn("main thread", text(msgs))


def _b64(obj) -> str:
    return base64.b64encode(pickle.dumps(obj)).decode()


class FakeService:
    """Answers scatter.poll from a script of replies."""

    def __init__(self, replies: list) -> None:
        self.replies = replies
        self.asked = []

    def __call__(self, op, content, timeout=60.0):
        self.asked.append((op, dict(content)))
        return self.replies.pop(0) if self.replies else {"results": [], "done": 0, "failed": 0, "total": 3, "state": "running"}


class JobTest(unittest.TestCase):
    def test_tasks_are_args_kwargs_pairs_or_single_arguments(self):
        self.assertEqual(jobs._normalize(((1, 2), {"k": 3})), ((1, 2), {"k": 3}))
        self.assertEqual(jobs._normalize(([1], {})), ((1,), {}))
        self.assertEqual(jobs._normalize(5), ((5,), {}))
        self.assertEqual(jobs._normalize((1, 2)), (((1, 2),), {}))

    def test_poll_progress_and_wait_in_task_order(self):
        fake = FakeService([
            {"results": [{"index": 2, "ok": True, "value": _b64("c")}], "done": 1, "failed": 0, "total": 3, "state": "running"},
            {"results": [{"index": 0, "ok": True, "value": _b64("a")}, {"index": 1, "ok": True, "value": _b64("b")}],
             "done": 3, "failed": 0, "total": 3, "state": "done"},
        ])
        job = jobs.Job("j", 3, request=fake)
        self.assertEqual(job.poll(), {2: "c"})
        self.assertEqual(fake.asked[0], ("scatter.poll", {"job": "j", "after": 0, "wait": 0.0}))
        self.assertEqual(job.wait(), ["a", "b", "c"])
        self.assertEqual(fake.asked[1][1]["after"], 1)
        self.assertTrue(job.done)
        self.assertEqual(job.progress, (3, 0, 3))
        self.assertEqual(len(fake.asked), 2)  # finished: nothing more asked

    def test_wait_names_failed_tasks_with_their_tracebacks(self):
        fake = FakeService([{"results": [
            {"index": 0, "ok": True, "value": _b64(1)},
            {"index": 1, "ok": False, "ename": "ValueError", "evalue": "bad", "traceback": ["Traceback", "ValueError: bad"]},
        ], "done": 2, "failed": 1, "total": 2, "state": "done"}])
        job = jobs.Job("j", 2, request=fake)
        with self.assertRaises(jobs.TasksFailed) as caught:
            jobs.gather(job)
        e = caught.exception
        self.assertEqual(list(e.errors), [1])
        self.assertEqual((e.errors[1].index, e.errors[1].ename, e.errors[1].evalue), (1, "ValueError", "bad"))
        self.assertEqual(e.results, {0: 1})
        self.assertIn("1 of 2 tasks failed: 1", str(e))
        self.assertIn("ValueError: bad", str(e))
        self.assertIsInstance(job.poll()[1], jobs.TaskError)

    def test_wait_times_out_and_a_cancelled_job_says_so(self):
        job = jobs.Job("j", 3, request=FakeService([]))
        with self.assertRaises(TimeoutError):
            job.wait(timeout=0.05)
        cancelled = jobs.Job("k", 3, request=FakeService([{"results": [], "done": 0, "failed": 0, "total": 3, "state": "cancelled"}]))
        with self.assertRaises(jobs.JobCancelled):
            cancelled.wait()

    def test_outside_a_session_the_tasks_run_here(self):
        job = jobs.scatter(lambda a, b=0: a + b, [1, ((2,), {"b": 10})])
        self.assertEqual(job.wait(), [1, 12])
        with self.assertRaises(jobs.TasksFailed):
            jobs.scatter(lambda a: 1 / a, [0]).wait()


def _letters(n: int) -> str:
    return "x" * n


class WorkerTest(unittest.TestCase):
    def setUp(self):
        self.sent = []
        worker._publish = lambda data, metadata: self.sent.append(data[worker.TASK_MIME])
        self.addCleanup(setattr, worker, "_publish", None)

    def load(self, f, output_bytes=1 << 20):
        worker.load("j", base64.b64encode(pickle.dumps({"f": f, "sources": {}})).decode(), output_bytes)

    def test_runs_a_batch_in_order_with_values_and_errors(self):
        self.load(divmod)
        worker.run("j", [[0, _b64(((7, 2), {}))], [1, _b64(((1, 0), {}))]])
        self.assertEqual([x["index"] for x in self.sent], [0, 1])
        self.assertEqual(pickle.loads(base64.b64decode(self.sent[0]["value"])), (3, 1))
        self.assertEqual((self.sent[1]["ok"], self.sent[1]["ename"]), (False, "ZeroDivisionError"))

    def test_a_result_too_large_fails_its_task_and_a_full_batch_ends_early(self):
        self.load(_letters, output_bytes=20_000)
        worker.run("j", [[0, _b64(((50_000,), {}))], [1, _b64(((5000,), {}))], [2, _b64(((5000,), {}))],
                         [3, _b64(((5000,), {}))], [4, _b64(((5000,), {}))]])
        self.assertEqual(self.sent[0]["ok"], False)
        self.assertIn("more than", self.sent[0]["evalue"])
        # The rest of the batch went out while it fitted; the others are the service's to run again.
        self.assertEqual([x["index"] for x in self.sent[1:]], [1, 2])

    def test_what_a_task_prints_is_dropped(self):
        self.load(print)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            worker.run("j", [[0, _b64((("hidden",), {}))]])
        self.assertEqual(self.sent[0]["ok"], True)
        self.assertEqual(printed.getvalue(), "")


class RelayChecksTest(unittest.TestCase):
    def test_service_requests_are_checked(self):
        ok = {"msg_type": "service_request", "content": {"id": 3, "op": "scatter.poll", "job": "j"}}
        self.assertEqual(frames.service_request_of(ok, 100), ok["content"])
        self.assertIsNone(frames.service_request_of(ok, frames.MAX_REQUEST_BYTES + 1))
        for content in ({"id": "3", "op": "x"}, {"id": True, "op": "x"}, {"id": 1, "op": "X!"}, {"id": -1, "op": "x"}, []):
            self.assertIsNone(frames.service_request_of({"msg_type": "service_request", "content": content}, 10), content)


if __name__ == "__main__":
    unittest.main()
