"""`python -m interview_deck` runs the command line."""

from interview_deck.cli import main

main()
