module vigil.dev/collector/operatorpoll

go 1.26.0
