"""Restricted Boltzmann machines: the model, CD/PCD, AIS and the likelihood bracket, the tiny exact lab."""
