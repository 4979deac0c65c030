from monazite_cli.main import cli

cli()
