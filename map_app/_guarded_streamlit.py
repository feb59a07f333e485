"""``python -m map_app._guarded_streamlit run SCRIPT …``: Streamlit's own command line, with
the Host/Origin guard (:mod:`map_app._guard`) installed first, in the same process, so that
``map_app._serve`` can still ``exec`` it and signals reach the server directly."""
from __future__ import annotations

import os


def main() -> None:
    """Install the guard from the environment, then run ``streamlit`` with our argv."""
    from ._guard import install_from_env

    install_from_env(os.environ)
    from streamlit.web.cli import main as streamlit_main

    # the same prog_name as `python -m streamlit`, so Streamlit sees the same command line
    streamlit_main(prog_name="streamlit")


if __name__ == "__main__":
    main()
