"""The small kit every page uses: URL-bound params, i18n, live ticks, layout and style."""
