"""The Discord front end: the client, its cogs, replies as embeds and the channel poster."""
