import sys

from gatehouse_edge.cli import main

sys.exit(main())
