"""The Collatz map and stopping times, with a cache shared between calls."""

_steps = {1: 0}


def step(n):
    return n // 2 if n % 2 == 0 else 3 * n + 1


def trajectory(n):
    """The sequence n, step(n), step(step(n)), ... up to and including 1."""
    path = [n]
    while n != 1:
        n = step(n)
        path.append(n)
    return path


def stopping_time(n):
    """Number of steps needed to reach 1 from n."""
    path = []
    while n not in _steps:
        path.append(n)
        n = step(n)
    # Fill the cache backwards along the path we just walked.
    total = _steps[n]
    for m in reversed(path):
        total += 1
        _steps[m] = total
    return total
