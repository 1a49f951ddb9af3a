# Over GF(p), the polynomial t^(p^n) - t is the product of all monic irreducible polynomials
# whose degree divides n. Factor it, count the factors by degree, compare with Gauss.

def gauss_count(p, d):
    """The number of monic irreducible polynomials of degree d over GF(p)."""
    return sum(moebius(d // e) * p^e for e in divisors(d)) / d

@interact
def irreducibles(p=selector([2, 3, 5, 7], default=2, buttons=True, label='$p =$'),
                 n=(6, (1..8))):
    p, n = Integer(p), Integer(n)
    R.<t> = GF(p)[]
    if p^n > 2500:
        print(f"t^({p}^{n}) - t has degree {p^n}: too large to factor quickly here, "
              f"Gauss's formula alone gives {gauss_count(p, n)} irreducibles of degree {n}.")
    else:
        factors = [g for g, _ in factor(t^(p^n) - t)]
        print(f"t^({p}^{n}) - t splits over GF({p}) into {len(factors)} irreducible factors:")
        for d in divisors(n):
            found = [g for g in factors if g.degree() == d]
            print(f"  degree {d}: {len(found)} (Gauss: {gauss_count(p, d)})")
            assert len(found) == gauss_count(p, d)
        of_degree_n = [g for g in factors if g.degree() == n]
        if len(of_degree_n) <= 6:
            pretty_print(of_degree_n)

    # About 1 in d monic polynomials of degree d is irreducible: the count is close to p^d / d.
    counts = list_plot([(d, gauss_count(p, d)) for d in [1..8]], color='seagreen', size=50,
                       legend_label='$N_{%s}(d)$' % p)
    estimate = plot(p^x / x, (x, 1, 8), color='red', legend_label='$%s^d / d$' % p)
    show(counts + estimate, scale='semilogy', figsize=[6, 3], axes_labels=['$d$', ''])
