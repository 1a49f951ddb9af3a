import matplotlib.pyplot as plt

from collatz import stopping_time, trajectory

path = trajectory(27)
print(f"27 takes {len(path) - 1} steps to reach 1 and climbs as high as {max(path)}:")
print(" ".join(map(str, path[:20])), "...", " ".join(map(str, path[-8:])))
print()

print("Records below 100 000 (n with a longer stopping time than every smaller number):")
record = -1
for n in range(1, 100_000):
    t = stopping_time(n)
    if t > record:
        record = t
        print(f"  n = {n:>6}: {t} steps")

N = 10_000
ns = range(1, N + 1)
times = [stopping_time(n) for n in ns]

fig, (traj, scatter) = plt.subplots(1, 2, figsize=(13, 4.5))
traj.plot(path, ".-", lw=0.8)
traj.set_yscale("log")
traj.set_xlabel("step")
traj.set_title(f"The trajectory of 27 ({len(path) - 1} steps)")
scatter.scatter(ns, times, s=0.5)
scatter.set_xlabel("$n$")
scatter.set_ylabel("steps to reach 1")
scatter.set_title(f"Total stopping time for $n \\leq {N}$")
plt.show()
