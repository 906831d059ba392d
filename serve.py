"""The web server: `streamlit run serve.py` serves the app (app.py) together with the routes
that keep a password sign-in in an HttpOnly cookie (ui/session_routes.py), so that it survives
a refresh and holds in every tab. `streamlit run app.py` serves the app alone (a password
sign-in then lasts as long as the page)."""

import streamlit as st

from ui import session_routes

app = st.App("app.py", routes=session_routes.routes())
