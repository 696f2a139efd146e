"""Build every guide in content/ into output/; see `python build_deck.py --help`."""

from interview_deck.cli import main

if __name__ == "__main__":
    main()
