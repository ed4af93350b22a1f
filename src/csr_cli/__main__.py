from csr_cli.fastpath import main

main()
