# Colour the vertices of a graph so that neighbours differ, with as few colours as possible.
# Sage finds an optimal colouring (the chromatic number) exactly, by search.

load('families.sage')  # the dictionary `families`: name -> function of n

@interact
def colouring(family=selector(list(families), default='wheel W_n', label='graph'),
              n=slider(3, 12, 1, default=6, label='$n$')):
    G = families[family](Integer(n))
    classes = G.coloring()  # an optimal colouring, as lists of vertices of one colour
    k = len(classes)
    show(G.plot(partition=classes, vertex_labels=False, vertex_size=120), figsize=5)
    print(f"{G.order()} vertices, {G.size()} edges; chromatic number {k}")
    print("bipartite" if G.is_bipartite() else "not bipartite",
          "| planar" if G.is_planar() else "| not planar",
          f"| largest clique {G.clique_number()}",
          f"| diameter {G.diameter()}" if G.is_connected() else "| not connected")
    print("spanning trees (Kirchhoff's matrix-tree theorem):", G.spanning_trees_count())
