"""A button that counts: every press of Roll throws two dice; Reset clears the tally."""
import random
from collections import Counter

import matplotlib.pyplot as plt

from interact import *  # in a Cellar cell these names are there even without this line

tally = Counter()


@interact(layout=[["roll", "reset"], ["throws"]])
def dice(roll=button(text="Roll", value=True, default=False, label=""),
         reset=button(text="Reset", value=True, default=False, label=""),
         throws=selector([1, 10, 100], default=1, label="throws per press", buttons=True)):
    if reset:
        tally.clear()
    if roll:
        tally.update(random.randint(1, 6) + random.randint(1, 6) for _ in range(throws))
    presses = sum(tally.values())
    print(f"{presses} throw{'s' if presses != 1 else ''} so far")
    if presses:
        fig, ax = plt.subplots(figsize=(5, 2.8))
        sums = range(2, 13)
        ax.bar(sums, [tally[s] / presses for s in sums], color="#fbbf24", edgecolor="#92400e")
        ax.plot(sums, [(6 - abs(s - 7)) / 36 for s in sums], "o-", color="#92400e", label="exact")
        ax.set_xticks(list(sums))
        ax.set_xlabel("sum of two dice")
        ax.legend()
        fig.tight_layout()
