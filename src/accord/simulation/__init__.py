"""The replay loop: time steps, events, war and its outcome."""
