"""Python modules that the notes' executable snippets import (the course adds them)."""
