package pipelines

import "strings"

// outcomeLabels name the run outcomes in French.
var outcomeLabels = map[string]string{
	OutcomePublished:   "publiée",
	OutcomeUnchanged:   "inchangée",
	OutcomeBlocked:     "bloquée",
	OutcomeFailed:      "en échec",
	OutcomeRunning:     "en cours",
	OutcomeInterrupted: "interrompue",
	OutcomeCancelled:   "annulée",
}

// OutcomeLabel names a run outcome in French ("publiée", "bloquée"…): the
// outcome itself when it is unknown, "inconnue" when empty.
func OutcomeLabel(o string) string {
	if l, ok := outcomeLabels[o]; ok {
		return l
	}
	if o == "" {
		return "inconnue"
	}
	return o
}

// gateLabels name the publish gates in French.
var gateLabels = map[string]string{
	"empty":          "jeu vide",
	"rejected_share": "part de lignes rejetées",
	"row_drop":       "baisse du nombre de lignes",
	"row_count_drop": "baisse du nombre de lignes",
	"schema_drift":   "dérive du schéma",
	"source_fields":  "champs de la source",
	"licence":        "licence",
	"license":        "licence",
}

// GateLabel names a publish gate in French ("part de lignes rejetées"),
// or returns the gate's name when it is unknown.
func GateLabel(g string) string {
	if l, ok := gateLabels[g]; ok {
		return l
	}
	return g
}

// FailureCause says in French what most likely made a run fail, from the
// program's error text: the time allowed exceeded, a source that could not
// be reached or that answered with a server error; "" when the text says
// nothing this plain (the technical text is then shown on its own).
func FailureCause(errText string) string {
	low := strings.ToLower(errText)
	switch {
	case strings.Contains(low, "deadline exceeded") || strings.Contains(low, "timeout"):
		return "la moisson a dépassé le temps qui lui est accordé"
	case strings.Contains(low, "connection refused") || strings.Contains(low, "no such host") || strings.Contains(low, "dial tcp"):
		return "la source n'a pas pu être jointe (serveur injoignable)"
	case strings.Contains(low, "status 5") || strings.Contains(low, " 50") && strings.Contains(low, "http"):
		return "la source a répondu par une erreur de son serveur"
	case strings.Contains(low, "not recorded"):
		return "aucune réponse enregistrée pour cette requête (mode rejeu)"
	case strings.Contains(low, "body too large") || strings.Contains(low, "exceeds the limit"):
		return "une réponse de la source dépasse la taille permise"
	}
	return ""
}
