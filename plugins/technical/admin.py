def admin_views(registry):
    return []
