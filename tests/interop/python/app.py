"""A tiny Flask app for otel-doctor's interop tests. It knows nothing about OpenTelemetry:
`opentelemetry-instrument python app.py` instruments it, configured by the OTEL_* environment
(or the instrument command's flags), as the seed's backend-flask was."""

import os

from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "ok\n"


@app.route("/checkout")
def checkout():
    return "paid\n"


if __name__ == "__main__":
    # No reloader: it re-executes the app and loses auto-instrumentation.
    app.run(host="127.0.0.1", port=int(os.environ["APP_PORT"]), use_reloader=False)
