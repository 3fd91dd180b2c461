"""Virtual students for ``bench/load_class.py``: Streamlit's own websocket protocol, no browser.

=============  ==================================================================================
module         role
=============  ==================================================================================
client.py      one browser tab's worth of protocol: connect, the widget states the frontend would
               send (built from the deltas' element protos), reruns, triggers, auto-reruns, bytes
students.py    what a student does on /mcmc, /landscape and /rbm, and when a move is answered
server.py      a fresh ``streamlit run`` for the bench; its RSS and CPU from /proc
crosscheck.py  one slider move through Chromium and through a virtual student, compared
=============  ==================================================================================
"""
