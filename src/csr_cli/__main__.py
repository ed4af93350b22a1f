from csr_cli.cli import main

main()
