# The derivative as a limit, animated: secant lines through (a, f(a)) and (a + h, f(a + h))
# turn into the tangent as h shrinks.

f(x) = sin(x) + x/2
a = 1
slope = diff(f, x)(a)  # the exact derivative, for comparison
print(f"f'(1) = {slope} = {slope.n(digits=8)}")

def frame(h):
    secant_slope = (f(a + h) - f(a)) / h
    picture = plot(f, (x, -1, 5), color='black', thickness=2)
    picture += plot(f(a) + secant_slope*(x - a), (x, -1, 5), color='red')
    picture += plot(f(a) + slope*(x - a), (x, -1, 5), color='gray', linestyle='--')
    picture += point([(a, f(a)), (a + h, f(a + h))], color='red', size=40, zorder=5)
    picture += text(f"h = {h.n(digits=3)}, slope = {secant_slope.n(digits=5)}", (2, 3.6), color='red')
    return picture

steps = [3, 2, 3/2, 1, 2/3, 1/2, 1/3, 1/5, 1/10, 1/100]
for h in steps:
    print(f"h = {h}: difference quotient = {((f(a + h) - f(a)) / h).n(digits=8)}")
movie = animate([frame(h) for h in steps], xmin=-1, xmax=5, ymin=-1.5, ymax=4, figsize=[6, 4])
show(movie, delay=70)
