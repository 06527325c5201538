"""``policyscan`` and ``python -m policyscan``: the command line, started with the cyclic
garbage collector paused until the pipeline is built (see ``startup``)."""

from policyscan import startup


def main() -> None:
    startup.pause()
    from policyscan.cli import main as cli

    cli()


if __name__ == "__main__":
    main()
