"""What the reports say: deck input, headlines and reflection views, built from results. Pure."""
