"""The demo workspace: the stories of the seed articles, told as data."""
