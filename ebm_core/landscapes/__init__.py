"""2D landscapes: energies, the formula compiler (no eval), exact grid truth, basins."""
