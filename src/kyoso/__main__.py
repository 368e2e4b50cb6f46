from kyoso.cli import main

raise SystemExit(main())
