def seed(registry, context):
    pass
