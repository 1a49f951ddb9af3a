# Colour the vertices of a graph so that neighbours differ, with as few colours as possible.
# Sage finds an optimal colouring (the chromatic number) exactly, by search.

families = {
    'cycle C_n': graphs.CycleGraph,
    'wheel W_n': graphs.WheelGraph,
    'complete K_n': graphs.CompleteGraph,
    'complete bipartite K_(n,n)': lambda n: graphs.CompleteBipartiteGraph(n, n),
    'grid 3 x n': lambda n: graphs.Grid2dGraph(3, n),
    'Petersen (n unused)': lambda n: graphs.PetersenGraph(),
    'random, edge probability 1/3': lambda n: graphs.RandomGNP(n, 1/3, seed=n),
}

@interact
def colouring(family=selector(list(families), default='wheel W_n', label='graph'),
              n=slider(3, 12, 1, default=6, label='n')):
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
