"""22tracks: curated city music discovery."""
