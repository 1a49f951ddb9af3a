# Chebyshev's bias: primes 3 mod 4 lead primes 1 mod 4 almost all the time, and the lead
# first changes hands at p = 26861.

N = 30000
lead = 0         # #{p <= x : p = 3 mod 4} - #{p <= x : p = 1 mod 4}
path = []
first_change = None
for p in primes(3, N):
    lead += 1 if p % 4 == 3 else -1
    path.append((p, lead))
    if lead < 0 and first_change is None:
        first_change = p

print(f"{prime_pi(N)} primes below {N}; the 1 mod 4 team leads for the first time at p = {first_change}")
race = line(path, color='navy', thickness=1, legend_label=r'$\pi(x;4,3) - \pi(x;4,1)$')
race += line([(0, 0), (N, 0)], color='gray', linestyle='--')
race += point((first_change, -1), color='red', size=40)
race += text(f"p = {first_change}", (first_change, 8), color='red', horizontal_alignment='right')
show(race, figsize=[8, 3.5], axes_labels=['$x$', 'lead of 3 mod 4'])

# The last digits of the primes below N share out almost evenly (Dirichlet), except 2 and 5.
counts = {d: 0 for d in [1, 3, 7, 9]}
for p in primes(7, N):
    counts[p % 10] += 1
print("primes below", N, "by last digit:", counts)
show(bar_chart([counts[d] for d in [1, 3, 7, 9]], color='teal'), figsize=[4, 2.5], ymin=0,
     ticks=[[0.25, 1.25, 2.25, 3.25], None], tick_formatter=[['1', '3', '7', '9'], None])
