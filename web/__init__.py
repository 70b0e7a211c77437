"""Pages and static assets served by the app, and plotly figure builders."""
