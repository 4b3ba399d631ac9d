"""How a view reaches a browser and input comes back: no trame, no VTK."""
