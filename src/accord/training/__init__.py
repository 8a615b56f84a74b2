"""Training mode: people take seats in a mediation, the engine plays the rest, a debrief compares."""
