"""Deep models built from RBMs: DBN, DBM, their phased trainer and the DBM bound."""
