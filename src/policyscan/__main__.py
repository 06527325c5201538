from policyscan.cli import main

main()
