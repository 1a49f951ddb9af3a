"""Sieve of Eratosthenes with NumPy."""

import numpy as np


def is_prime_table(n):
    """Boolean array `t` of length n + 1 with t[k] True exactly when k is prime."""
    table = np.ones(n + 1, dtype=bool)
    table[:2] = False
    for p in range(2, int(n**0.5) + 1):
        if table[p]:
            # Multiples below p*p were already crossed out by smaller primes.
            table[p * p :: p] = False
    return table


def primes_up_to(n):
    """All primes p <= n, in increasing order."""
    return np.flatnonzero(is_prime_table(n))
