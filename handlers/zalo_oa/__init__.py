"""The Zalo Official Account (OA): the one-to-one tutor where Vietnamese wards and cities
already talk to their citizens (docs/zalo-oa.md, research in ../shared/research/zalo-oa.md).

    settings.py  the ZALO_OA_* environment
    api.py       the OpenAPI, OAuth and business hosts: one method per endpoint, ERRORS table
    tokens.py    the token pair in Redis: one refresh at a time across workers
    webhook.py   the signature and the events Zalo posts
    inbox.py     events answered 200 and not yet processed, so none is lost
    window.py    the interaction window: who may be written to, and whether it is billed
    send.py      the engine's replies as consultation messages with buttons
    adapter.py   the adapter `hocso run` serves
    connect.py   `hocso zalo-oa connect`: an admin's consent, step by step
"""
