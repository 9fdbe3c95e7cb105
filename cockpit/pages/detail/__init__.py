"""Detail pages: one petition, /petition/<id>; one warning, /warning/<id>."""
