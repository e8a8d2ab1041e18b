def api_resources(registry):
    return []
