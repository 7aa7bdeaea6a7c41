"""Start the KOPP/KOV Beleidscheck locally: database, demo data, and a web server.

python run.py            # http://127.0.0.1:5000
PORT=8080 python run.py
"""

import os

from flask_migrate import upgrade

from selfcheck import create_app
from selfcheck.demo import ACCOUNTS, DEMO_PASSWORD, load_demo_data


def main() -> None:
    app = create_app()
    with app.app_context():
        upgrade()  # creates the database when missing, and brings it up to date
        app.extensions["questionnaire_store"].publish_shipped()
        if load_demo_data(app.extensions["questionnaire_store"]):
            print(f"Demogegevens geladen. Demo-accounts (wachtwoord: {DEMO_PASSWORD}):")
            for email, _name, role, _ in ACCOUNTS:
                print(f"  {email:<30} {role}")
    host, port = os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "5000"))
    print(f"\nDe KOPP/KOV Beleidscheck draait op http://{host}:{port}/  (stoppen: Ctrl+C)\n")
    app.run(host=host, port=port, debug=False)


if __name__ == "__main__":
    main()
