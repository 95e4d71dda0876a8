"""The certificate: asking the name to print, issuing the code, drawing the card (`image`)."""
