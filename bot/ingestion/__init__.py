"""Live sources: fetching feeds and pages, polling, the watched folder and the corpus they feed."""
