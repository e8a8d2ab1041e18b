def resources():
    return []
