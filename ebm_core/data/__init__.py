"""Datasets: toy 2D generators (toy2d) and MNIST (mnist), offline first."""
