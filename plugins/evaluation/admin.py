def views():
    return []
