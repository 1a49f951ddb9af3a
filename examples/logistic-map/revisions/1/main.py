import matplotlib.pyplot as plt


def orbit(r, x0=0.2, steps=60):
    xs = [x0]
    for _ in range(steps):
        xs.append(r * xs[-1] * (1 - xs[-1]))
    return xs


for r in (2.8, 3.2, 3.5, 3.9):
    plt.plot(orbit(r), ".-", label=f"r = {r}")
plt.xlabel("n")
plt.ylabel("x_n")
plt.legend()
plt.show()
