package web

import (
	"net/http"
	"sort"
)

// stewardBar is what the dashboard shows of the signed-in steward.
type stewardBar struct {
	Name string
	CSRF string
}

// stewardView adds to the dashboard the daemon's schedule of every
// pipeline (those never run too) and, for a signed-in steward, the actions
// they may take.
func (s *site) stewardView(r *http.Request, page *dashboardPage) {
	var sess *session
	if s.auth != nil {
		sess = s.auth.session(r)
	}
	if sess != nil {
		page.Steward = &stewardBar{Name: sess.steward.Name, CSRF: sess.csrf}
	}
	// Every run links to its page (readable wherever the dashboard is);
	// a blocked one the steward may approve carries the approval form.
	for i := range page.Pipelines {
		pv := &page.Pipelines[i]
		for j := range pv.Runs {
			rv := &pv.Runs[j]
			if rv.Problem != "" || !validName(rv.RunID) {
				continue
			}
			rv.RunURL = runPageURL(pv.Pipeline, rv.RunID)
			if sess != nil && rv.OutcomeCode == "blocked" && rv.ApprovedBy == "" && s.sched != nil && sess.steward.mayAct(pv.Pipeline) {
				rv.ApproveURL = rv.RunURL + "/approuver"
			}
		}
	}
	if s.sched == nil {
		return
	}
	index := map[string]int{}
	for i, pv := range page.Pipelines {
		index[pv.Pipeline] = i
	}
	for _, st := range s.sched.State() {
		i, ok := index[st.Def.ID]
		if !ok {
			page.Pipelines = append(page.Pipelines, pipelineView{Pipeline: st.Def.ID, Dataset: st.Def.Dataset, Last: "jamais exécutée", LastCode: "none"})
			i = len(page.Pipelines) - 1
		}
		pv := &page.Pipelines[i]
		if st.Def.Schedule != "" {
			pv.Schedule = scheduleFrench(st.Def.Schedule, st.Def.Timezone)
			pv.Next = frenchDateTime(st.Next)
		}
		if st.RunID != "" {
			pv.Active = "en attente d'une place"
			if st.Running {
				pv.Active = "en cours"
			}
		}
		if sess != nil && sess.steward.mayAct(st.Def.ID) {
			pv.RunNowURL = "/tableau-de-bord/chaines/" + st.Def.ID + "/lancer"
		}
	}
	sort.SliceStable(page.Pipelines, func(a, b int) bool { return page.Pipelines[a].Pipeline < page.Pipelines[b].Pipeline })
}
