// The MCP endpoint's tests arrive with the ZavaMCP module (issue 5).
