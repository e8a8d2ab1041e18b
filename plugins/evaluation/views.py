import flask


def blueprint():
    return flask.Blueprint("evaluation", __name__)
