"""The Data page's and the profile's panels: import and its report, boundary matching, export,
layers, transit networks, drawing and editing outlines, history, land use."""
